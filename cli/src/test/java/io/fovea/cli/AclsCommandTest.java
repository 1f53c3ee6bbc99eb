package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AclsCommandTest {
    @Test
    void printsServesAclsAsKafkaAclsArgumentsForItsApplicationId() {
        CliRun run = CliRun.of("acls", "--principal", "User:app", "--role", "serve", "--application-id", "prod-cls");

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("# serve", lines.get(0));
        assertTrue(
                lines.contains("kafka-acls.sh --bootstrap-server HOST:PORT --command-config ADMIN.properties --add"
                        + " --allow-principal User:app --operation Write --topic fovea.predictions"),
                run.out());
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.endsWith(
                                "--operation Write --transactional-id prod-cls --resource-pattern-type prefixed")),
                run.out());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("--operation Read --group prod-cls")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("--operation DescribeConfigs --cluster")), run.out());
    }

    /** WRITE on the releases topic can announce any release: serve gets it only to end canaries itself. */
    @Test
    void serveMayWriteReleasesOnlyWhenAutomaticCanaryRollbackIsAsked() {
        String write = "--operation Write --topic fovea.model-releases";
        CliRun plain = CliRun.of("acls", "--principal", "User:app", "--role", "serve");
        assertEquals(0, plain.exitCode(), plain.err());
        assertTrue(plain.out().contains("--operation Read --topic fovea.model-releases"), plain.out());
        assertFalse(plain.out().contains(write), plain.out());

        CliRun withRollback = CliRun.of("acls", "--principal", "User:app", "--role", "serve", "--serve-auto-rollback");
        assertEquals(0, withRollback.exitCode(), withRollback.err());
        assertTrue(withRollback.out().contains(write), withRollback.out());
    }

    @Test
    void anUnknownRoleIsRefusedNamingTheRoles() {
        CliRun run = CliRun.of("acls", "--principal", "User:app", "--role", "admin");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown role 'admin'; one of serve, produce"), run.err());
    }
}
