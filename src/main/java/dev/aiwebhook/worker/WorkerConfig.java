package dev.aiwebhook.worker;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the worker routes refer to by name. */
@Configuration(proxyBeanMethods = false)
public class WorkerConfig {

    /** Collects a batch's element results, in order ({@code routes/batch.camel.yaml}). */
    @Bean
    public AggregationStrategy groupedBodies() {
        return new GroupedBodyAggregationStrategy();
    }
}
