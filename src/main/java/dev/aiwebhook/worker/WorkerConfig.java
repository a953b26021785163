package dev.aiwebhook.worker;

import dev.aiwebhook.config.AppProperties;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the worker routes refer to by name. */
@Configuration(proxyBeanMethods = false)
public class WorkerConfig {

    /**
     * {@code workerPool}: runs claimed webhooks in parallel, each in its own transaction
     * ({@code routes/worker.camel.yaml}). Bound in Camel's registry, not as a Spring bean, so
     * Spring Boot still creates the task executor that platform-http needs.
     */
    @Bean
    public CamelContextConfiguration workerPoolRegistration(AppProperties props) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                int n = Math.max(1, props.worker().concurrency());
                camel.getRegistry().bind("workerPool",
                        camel.getExecutorServiceManager().newFixedThreadPool(this, "worker", n));
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }

    /** Collects a batch's element results, in order ({@code routes/batch.camel.yaml}). */
    @Bean
    public AggregationStrategy groupedBodies() {
        return new GroupedBodyAggregationStrategy();
    }
}
