package io.fovea.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What makes the local broker a secured one, as production clusters are: clients connect with
 * SASL_SSL and SCRAM-SHA-512, ACLs are enforced by KRaft's StandardAuthorizer, and nothing is
 * allowed without one. Made once per data folder, in {@code DIR/security/} (readable by its
 * owner only): a self-signed certificate for 127.0.0.1 made with the JDK's keytool, a
 * trust file of it for clients ({@code ca.pem}), the passwords, and a client properties file
 * per user. The SCRAM users {@value #ADMIN} (super user) and {@value #APP} are created when the
 * storage is formatted; the same users may also sign in with PLAIN over TLS, for clients whose
 * SCRAM is too old for Kafka 4. The controller listener uses SASL PLAIN, as KRaft controllers cannot
 * use SCRAM, with a user only the broker knows.
 */
public final class BrokerSecurity {
    public static final String ADMIN = "admin";
    public static final String APP = "fovea";
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final String CONTROLLER = "controller";
    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PASSWORD_VARIABLE = "FOVEA_KEYSTORE_PASSWORD";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final Path dir;
    private final Map<String, String> secrets;

    private BrokerSecurity(Path dir, Map<String, String> secrets) {
        this.dir = dir;
        this.secrets = secrets;
    }

    /** The security of {@code dataDir}, made on first use. */
    static BrokerSecurity of(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("security");
        Path secretsFile = dir.resolve("secrets.properties");
        if (!Files.exists(secretsFile)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Map<String, String> made = new LinkedHashMap<>();
            for (String name : List.of(ADMIN, APP, CONTROLLER, "keystore")) {
                made.put(name, newPassword());
            }
            makeCertificate(dir, made.get("keystore"));
            Properties props = new Properties();
            props.putAll(made);
            try (OutputStream out = Files.newOutputStream(secretsFile)) {
                props.store(out, "passwords of the local broker's users and key store");
            }
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(secretsFile)) {
            props.load(in);
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> secrets.put(k, props.getProperty(k)));
        return new BrokerSecurity(dir, secrets);
    }

    static boolean isSecured(Path dataDir) {
        return Files.exists(dataDir.resolve("security").resolve("secrets.properties"));
    }

    /** The broker's settings for a SASL_SSL client listener, and a SASL_PLAINTEXT controller listener. */
    Map<String, String> serverSettings(int clientPort, int controllerPort) {
        String controllerJaas = PLAIN_LOGIN + " required username=\"" + CONTROLLER + "\" password=\""
                + secrets.get(CONTROLLER) + "\" user_" + CONTROLLER + "=\"" + secrets.get(CONTROLLER) + "\";";
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listeners", "SASL_SSL://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        s.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + clientPort);
        s.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
        s.put("inter.broker.listener.name", "SASL_SSL");
        // PLAIN (over TLS) beside SCRAM for clients whose SCRAM cannot talk to Kafka 4, such as
        // Debian's kcat (librdkafka 2.0.2; fixed in 2.6.1): the same users and passwords.
        s.put("sasl.enabled.mechanisms", MECHANISM + ",PLAIN");
        s.put("listener.name.sasl_ssl.plain.sasl.jaas.config", plainUsers());
        s.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        s.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(ADMIN, secrets.get(ADMIN)));
        s.put("sasl.mechanism.controller.protocol", "PLAIN");
        s.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        s.put("listener.name.controller.plain.sasl.jaas.config", controllerJaas);
        s.put("ssl.keystore.type", "PKCS12");
        s.put("ssl.keystore.location", dir.resolve("broker.p12").toString());
        s.put("ssl.keystore.password", secrets.get("keystore"));
        s.put("ssl.key.password", secrets.get("keystore"));
        s.put("ssl.truststore.type", "PEM");
        s.put("ssl.truststore.location", caFile().toString());
        s.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        s.put("super.users", "User:" + ADMIN + ";User:" + CONTROLLER);
        s.put("allow.everyone.if.no.acl.found", "false");
        return s;
    }

    private String plainUsers() {
        return PLAIN_LOGIN + " required username=\"" + ADMIN + "\" password=\"" + secrets.get(ADMIN) + "\" user_"
                + ADMIN + "=\"" + secrets.get(ADMIN) + "\" user_" + APP + "=\"" + secrets.get(APP) + "\";";
    }

    /** kafka-storage format's arguments that create the SCRAM users. */
    List<String> formatArguments() {
        return List.of(
                "--add-scram", MECHANISM + "=[name=" + ADMIN + ",password=" + secrets.get(ADMIN) + "]",
                "--add-scram", MECHANISM + "=[name=" + APP + ",password=" + secrets.get(APP) + "]");
    }

    /** A client's settings for this broker as {@code user}. */
    public Map<String, String> clientSettings(String bootstrap, String user, String password) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("security.protocol", "SASL_SSL");
        s.put("sasl.mechanism", MECHANISM);
        s.put("sasl.jaas.config", jaas(user, password));
        s.put("ssl.truststore.type", "PEM");
        s.put("ssl.truststore.location", caFile().toString());
        return s;
    }

    /** The password of a user made at format time. */
    public String password(String user) {
        return secrets.get(user);
    }

    /** Writes {@code DIR/security/USER.properties}, readable by its owner only; returns its path. */
    public Path writeClientProperties(String bootstrap, String user) throws IOException {
        Path file = dir.resolve(user + ".properties");
        Properties props = new Properties();
        props.putAll(clientSettings(bootstrap, user, password(user)));
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "Kafka client properties for " + user + " (bin/fovea ... --command-config " + file + ")");
        }
        return file;
    }

    /** The certificate clients must trust, PEM. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    private static String jaas(String user, String password) {
        return SCRAM_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static String newPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A key pair and self-signed certificate for 127.0.0.1 and localhost, by the JDK's keytool. */
    private static void makeCertificate(Path dir, String password) throws IOException {
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keystore = dir.resolve("broker.p12");
        keytool(
                List.of(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "broker",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "3650",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass:env",
                        PASSWORD_VARIABLE,
                        "-keypass:env",
                        PASSWORD_VARIABLE),
                password);
        keytool(
                List.of(
                        keytool,
                        "-exportcert",
                        "-rfc",
                        "-alias",
                        "broker",
                        "-keystore",
                        keystore.toString(),
                        "-storepass:env",
                        PASSWORD_VARIABLE,
                        "-file",
                        dir.resolve("ca.pem").toString()),
                password);
    }

    /** The password reaches keytool in its environment, not on a command line others can list. */
    private static void keytool(List<String> command, String password) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while running keytool", e));
        }
    }
}
