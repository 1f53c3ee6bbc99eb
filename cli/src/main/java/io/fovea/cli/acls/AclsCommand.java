package io.fovea.cli.acls;

import io.fovea.core.cli.KafkaOption;
import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.FoveaAcls;
import io.fovea.schemas.kafka.FoveaAcls.Role;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "acls",
        mixinStandardHelpOptions = true,
        description = {
            "Prints or grants the Kafka ACLs a principal needs to run Fovea's commands.",
            "Printed as kafka-acls.sh arguments, or granted with --grant (with an admin's --command-config).",
            "docs/security.md explains each."
        })
public final class AclsCommand implements Callable<Integer> {
    @Option(names = "--principal", required = true, paramLabel = "PRINCIPAL", description = "e.g. User:fovea")
    String principal;

    @Option(
            names = "--role",
            split = ",",
            paramLabel = "ROLE",
            description = "serve, produce, consume, models, create-topics or all (default: all).")
    List<String> roles = List.of("all");

    @Option(
            names = "--application-id",
            defaultValue = Topics.APPLICATION_ID,
            description = "serve's application.id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--serve-auto-rollback",
            description = {
                "Also let serve write fovea.model-releases, so that a canary with --auto-rollback-* can end"
                        + " itself (default off). WRITE there can announce any release: it is admin-equivalent."
            })
    boolean serveAutoRollback;

    @Option(names = "--grant", description = "Create the ACLs on the cluster (needs an admin's credentials).")
    boolean grant;

    @Mixin
    KafkaOption kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<AclBinding> acls = new ArrayList<>();
        for (Role role : roles()) {
            List<AclBinding> forRole = FoveaAcls.of(role, principal, applicationId, serveAutoRollback);
            acls.addAll(forRole);
            if (!grant) {
                out.println("# " + role.cliName());
                forRole.forEach(acl -> out.println("kafka-acls.sh --bootstrap-server HOST:PORT --command-config"
                        + " ADMIN.properties " + FoveaAcls.kafkaAclsArguments(acl)));
            }
        }
        if (grant) {
            FoveaAcls.grant(kafka.connection(), acls);
            out.println("Granted " + acls.size() + " ACLs to " + principal + " at " + kafka.connection());
        }
        out.flush();
        return 0;
    }

    private List<Role> roles() {
        if (roles.contains("all")) {
            return List.of(Role.values());
        }
        List<Role> chosen = new ArrayList<>();
        for (String name : roles) {
            chosen.add(Arrays.stream(Role.values())
                    .filter(r -> r.cliName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new ParameterException(
                            spec.commandLine(),
                            "unknown role '" + name
                                    + "'; one of serve, produce, consume, models, create-topics, all")));
        }
        return chosen;
    }
}
