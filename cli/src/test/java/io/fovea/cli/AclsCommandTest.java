package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.store.ledger.Ledger;
import io.fovea.schemas.kafka.FoveaAcls;
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

    /**
     * An object store's ledger: the models role (promote, rollback, train --publish) reads it and
     * appends to it under a transactional id per model; serve only reads it.
     */
    @Test
    void theModelsRoleWritesTheObjectStoresLedgerUnderItsTransactionalIdsAndServeOnlyReadsIt() {
        CliRun models = CliRun.of("acls", "--principal", "User:ops", "--role", "models");
        assertEquals(0, models.exitCode(), models.err());
        assertTrue(hasLine(models, "--operation Read --topic fovea.model-ledger"), models.out());
        assertTrue(hasLine(models, "--operation Write --topic fovea.model-ledger"), models.out());
        assertTrue(
                hasLine(models, "--operation Write --transactional-id fovea-store- --resource-pattern-type prefixed"),
                models.out());

        CliRun serve = CliRun.of("acls", "--principal", "User:app", "--role", "serve", "--serve-auto-rollback");
        assertEquals(0, serve.exitCode(), serve.err());
        assertTrue(hasLine(serve, "--operation Read --topic fovea.model-ledger"), serve.out());
        assertFalse(serve.out().contains("--operation Write --topic fovea.model-ledger"), serve.out());
        assertFalse(serve.out().contains("fovea-store-"), serve.out());

        CliRun create = CliRun.of("acls", "--principal", "User:ops", "--role", "create-topics");
        assertTrue(hasLine(create, "--operation Create --topic fovea.model-ledger"), create.out());
    }

    /** The prefix granted is the one the ledger's writers use: schemas cannot see the store's code, so this checks it. */
    @Test
    void theGrantedTransactionalIdPrefixIsTheLedgers() {
        assertEquals(Ledger.TRANSACTIONAL_ID_PREFIX, FoveaAcls.STORE_TRANSACTIONAL_ID_PREFIX);
    }

    @Test
    void anUnknownRoleIsRefusedNamingTheRoles() {
        CliRun run = CliRun.of("acls", "--principal", "User:app", "--role", "admin");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown role 'admin'; one of serve, produce"), run.err());
    }

    private static boolean hasLine(CliRun run, String ending) {
        return run.out().lines().anyMatch(line -> line.endsWith(ending));
    }
}
