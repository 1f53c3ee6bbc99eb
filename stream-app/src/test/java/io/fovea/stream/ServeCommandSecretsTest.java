package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.cli.CommandErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandSecretsTest {
    @Test
    void aSecretInSetIsRefusedBeforeAnythingStartsWithAPointerToCommandConfig() {
        StringWriter err = new StringWriter();
        CommandLine cli = CommandErrors.install(new CommandLine(new ServeCommand()));
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int status = cli.execute(
                "--bootstrap",
                "127.0.0.1:1",
                "--store",
                "/nonexistent-store",
                "--set",
                "kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"u\" password=\"hunter2\";");
        assertEquals(CommandErrors.USER_ERROR, status, err.toString());
        assertTrue(err.toString().startsWith("fovea serve: --set kafka.sasl.jaas.config is refused"), err.toString());
        assertTrue(err.toString().contains("--command-config"), err.toString());
        assertFalse(err.toString().contains("hunter2"), err.toString());
    }
}
