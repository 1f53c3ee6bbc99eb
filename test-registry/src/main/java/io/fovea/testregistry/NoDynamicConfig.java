package io.fovea.testregistry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/**
 * What the registry's config-index build step would produce (its deployment half is not on Maven
 * Central): the list of settings an admin may change at run time, here none.
 */
public class NoDynamicConfig {
    @Produces
    @ApplicationScoped
    DynamicConfigPropertyList none() {
        return new DynamicConfigPropertyList(List.of());
    }
}
