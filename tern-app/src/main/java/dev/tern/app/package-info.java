/**
 * The one place that sees every module: {@link dev.tern.app.TernConfig} holds each module's own settings
 * record, {@link dev.tern.app.Tern} wires the stages with plain constructors (spool and store first, then
 * delivery, then the listeners; closed in reverse, so nothing is accepted without a spool behind it), and
 * {@link dev.tern.app.Main} is the {@code tern} command line (picocli: {@code run}, {@code config check},
 * {@code user}, {@code queue}). The config file is read in {@code dev.tern.app.config}; the control channel
 * that {@code tern queue} talks to lives in {@code dev.tern.app.control}.
 *
 * <p>May depend on every module; no module depends on it (only {@code tern-testkit}, for tests). There is no
 * DI container and no static configuration: what runs is what {@code Tern.start()} constructs, top to bottom.
 * Commands report failures as one line and an exit code, never a stack trace.
 */
package dev.tern.app;
