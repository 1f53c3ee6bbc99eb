package io.fovea.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the schema registry is and how to reach it, read from the same client properties file as
 * Kafka's settings ({@code --command-config}), under the names Confluent's clients use, so one
 * file serves both: {@code schema.registry.url}, {@code basic.auth.user.info} (with
 * {@code basic.auth.credentials.source=USER_INFO}), {@code schema.registry.ssl.*}.
 */
public record RegistrySettings(List<String> urls, String userInfo, SSLContext ssl, Duration timeout) {
    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    static final String SSL = "schema.registry.ssl.";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** @return null when the settings name no registry */
    public static RegistrySettings from(Map<String, String> settings) {
        String url = settings.get(URL);
        if (url == null || url.isBlank()) {
            return null;
        }
        List<String> urls = Arrays.stream(url.split(","))
                .map(String::strip)
                .filter(u -> !u.isEmpty())
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
                .toList();
        String source = settings.getOrDefault(CREDENTIALS_SOURCE, settings.containsKey(USER_INFO) ? "USER_INFO" : "");
        if (!source.isEmpty() && !source.equals("USER_INFO")) {
            throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=" + source
                    + " is not supported: set USER_INFO and put user:password in " + USER_INFO);
        }
        String userInfo = source.isEmpty() ? null : settings.get(USER_INFO);
        return new RegistrySettings(urls, userInfo, sslContext(settings), DEFAULT_TIMEOUT);
    }

    @Override
    public String toString() {
        return "RegistrySettings" + urls + (userInfo == null ? "" : " with basic auth") + (ssl == null ? "" : " TLS");
    }

    private static SSLContext sslContext(Map<String, String> s) {
        String trust = s.get(SSL + "truststore.location");
        String keys = s.get(SSL + "keystore.location");
        if (trust == null && keys == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (trust != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(trust, s.get(SSL + "truststore.password"), s.get(SSL + "truststore.type")));
            }
            KeyManagerFactory kmf = null;
            if (keys != null) {
                String password = s.get(SSL + "keystore.password");
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = s.getOrDefault(SSL + "key.password", password);
                kmf.init(
                        load(keys, password, s.get(SSL + "keystore.type")),
                        keyPassword == null ? null : keyPassword.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the schema registry's TLS settings do not load: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String location, String password, String type) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type == null ? "PKCS12" : type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
        return store;
    }
}
