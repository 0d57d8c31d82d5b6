/**
 * Accounts and their authentication: Argon2id password hashes ({@link dev.tern.auth.PasswordHash}), SCRAM-SHA-256
 * keys ({@link dev.tern.auth.ScramKeys}), the accounts file under the data directory
 * ({@link dev.tern.auth.AccountStore}, reloaded without a restart), the {@link dev.tern.sasl.Credentials} the
 * SASL exchanges of {@code tern-smtp} check against ({@link dev.tern.auth.AccountCredentials}), and failure rate
 * limiting per client address and per account ({@link dev.tern.auth.AuthThrottle}, over the bounded
 * {@code FailureTable}s, with its refusals summarised by {@code ThrottleLog}).
 *
 * <p>Depends on {@code tern-smtp} (only for the {@code Credentials} contract and {@code ScramCredential}),
 * {@code tern-mail} (usernames are mailboxes), SLF4J, and Bouncy Castle's provider for Argon2id, which the JDK
 * lacks. It is its own module so the server and the {@code tern user} CLI share it without the CLI pulling in
 * the server. The file format, costs and limits are documented in {@code docs/accounts.md}.
 */
package dev.tern.auth;
