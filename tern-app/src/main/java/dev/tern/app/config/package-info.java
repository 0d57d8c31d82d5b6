/**
 * The config file: {@link dev.tern.app.config.ConfigLoader} reads YAML into each module's own settings
 * record and reports every mistake as a {@link dev.tern.app.config.ConfigError} under a dotted key.
 *
 * <p>Only {@code tern-app} reads configuration (no module sees the file or any static config), so this
 * package may depend on every module's settings records and on snakeyaml-engine, and on nothing that runs.
 * Conversion of single values ({@code ConfigValues}), key bookkeeping ({@code Section}) and the schema
 * ({@code ConfigSchema}, {@code DirectorySchema}) are apart so each can be read, and tested, on its own.
 * The keys are documented in {@code docs/config.md} and {@code config/tern.example.yaml}.
 */
package dev.tern.app.config;
