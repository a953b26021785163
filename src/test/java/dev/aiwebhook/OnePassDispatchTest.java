package dev.aiwebhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.aiwebhook.relay.OnePassDispatch;
import dev.aiwebhook.relay.RequestGate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * A platform-http route is served by the last servlet filter itself, in one pass on the request's
 * thread: the request never reaches Spring MVC (whose async handling dispatched every request a
 * second time). Requests for anything else go on down the chain.
 */
class OnePassDispatchTest extends AppTestSupport {

    @Autowired
    OnePassDispatch dispatch;
    @Autowired
    RequestGate gate;
    @Autowired
    ServletWebServerApplicationContext web;

    /** The app's filters as Tomcat runs them: the gate (credentials), then this one. */
    private void serve(MockHttpServletRequest request, MockHttpServletResponse response, AtomicBoolean passedOn)
            throws Exception {
        gate.doFilter(request, response, (req, res) -> dispatch.doFilter(req, res, (r, s) -> passedOn.set(true)));
    }

    @Test
    void theWebServerRunsItOnEveryRequest() {
        var registration = web.getServletContext().getFilterRegistration("onePassDispatch");
        assertThat(registration).isNotNull();
        assertThat(registration.getUrlPatternMappings()).contains("/*");
    }

    @Test
    void aRouteIsServedWithoutTheRestOfTheChain() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhook");
        request.addHeader("X-API-Key", TestClient.API_KEY);
        request.setContentType("application/json");
        String session = "one-pass-" + System.nanoTime();
        request.setContent(("{\"type\":\"collaborative_session_command\",\"command\":\"create_session\",\"session_id\":\""
                + session + "\",\"sync\":true,\"data\":{\"title\":\"one pass\"}}").getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicBoolean passedOn = new AtomicBoolean();

        serve(request, response, passedOn);

        assertThat(passedOn).isFalse();
        assertThat(request.isAsyncStarted()).isFalse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("\"status\":\"success\"");
        assertThat(count("SELECT count(*) FROM sessions WHERE session_id = ?", session)).isEqualTo(1);
    }

    @Test
    void aPathParameterReachesTheRoute() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/webhook/no-such-id");
        request.addHeader("X-API-Key", TestClient.API_KEY);
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicBoolean passedOn = new AtomicBoolean();

        serve(request, response, passedOn);

        assertThat(passedOn).isFalse();
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getContentAsString()).contains("not_found");
    }

    @Test
    void whatNoRouteServesGoesOnDownTheChain() throws Exception {
        AtomicBoolean passedOn = new AtomicBoolean();
        dispatch.doFilter(new MockHttpServletRequest("GET", "/no-route-here"), new MockHttpServletResponse(),
                (req, res) -> passedOn.set(true));
        assertThat(passedOn).isTrue();

        passedOn.set(false);
        dispatch.doFilter(new MockHttpServletRequest("DELETE", "/webhook"), new MockHttpServletResponse(),
                (req, res) -> passedOn.set(true));
        assertThat(passedOn).as("a method the route does not take").isTrue();
    }
}
