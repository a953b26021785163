# Build: the Maven wrapper inside a JDK image; run: a JRE with the jar and the editable routes/.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
COPY routes routes
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
RUN useradd --system --home /app aiwebhook && mkdir -p /app/data && chown aiwebhook /app/data
COPY --from=build /src/target/ai-webhook-*.jar /app/ai-webhook.jar
COPY routes /app/routes
COPY examples /app/examples
USER aiwebhook
ENV DATA_DIR=/app/data PORT=8080
EXPOSE 8080
HEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1
ENTRYPOINT ["java", "-jar", "/app/ai-webhook.jar"]
