package dev.tern.spool;

/**
 * @param fsync false only for tests that measure something else; production is always true
 */
public record SpoolSettings(boolean fsync) {
    public static SpoolSettings defaults() {
        return new SpoolSettings(true);
    }
}
