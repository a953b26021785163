# Build: the Maven wrapper inside a JDK image; run: a JRE with the deployment layout (README,
# "Deployment": the jar extracted, and a class data archive) and the editable routes/.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
COPY routes routes
# the jar and target/app (extracted); the class data archive is made below, by the JVM that runs it
RUN ./mvnw -B -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
WORKDIR /app
RUN useradd --system --home /app aiwebhook && mkdir -p /app/data /app/cds && chown aiwebhook /app/data /app/cds
COPY --from=build /src/target/app /app
COPY routes /app/routes
COPY examples /app/examples
USER aiwebhook
# A training start on a scratch database, ended once the application context is ready (before
# Camel and Tomcat start, and without requests: a smaller archive than the build's own training
# run makes). The JVM writes the classes it loaded to the archive. Without it (a failed training,
# whose log is then printed) the app still starts, from the jar files, only slower.
RUN DATA_DIR=/tmp/cds-training ROUTES_DIR=/app/routes API_KEY=training-only-key-0123456789 \
    WORKER_TOKEN=training-only-token-0123456789 \
    java -XX:ArchiveClassesAtExit=/app/cds/ai-webhook.jsa -Dspring.context.exit=onRefresh -jar /app/ai-webhook.jar \
    > /tmp/cds-training.log 2>&1; \
    test -s /app/cds/ai-webhook.jsa || { echo "No class data archive; the training run said:"; cat /tmp/cds-training.log; }; \
    rm -rf /tmp/cds-training /tmp/cds-training.log
ENV DATA_DIR=/app/data PORT=8080
EXPOSE 8080
HEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/cds/ai-webhook.jsa", "-jar", "/app/ai-webhook.jar"]
