package io.fovea.core.bundle;

import java.util.regex.Pattern;

/**
 * A file a manifest names must be a plain name in the bundle's own folder: no separator, no
 * {@code ..}, no absolute path, nothing hidden. Otherwise a manifest could make a load read (and
 * vouch for) a file outside its bundle.
 */
final class PlainFileName {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private PlainFileName() {}

    static String check(String name) {
        if (name == null || !PLAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("a bundle's file must be a plain name (letters, digits, '.', '_', '-',"
                    + " starting with a letter or digit; no path), got '" + name + "'");
        }
        return name;
    }
}
