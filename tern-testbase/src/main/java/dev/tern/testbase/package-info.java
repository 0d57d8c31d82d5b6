/**
 * Test support for the tests of every module, used at test scope only: what a test needs that is not a server
 * (a {@link dev.tern.testbase.MutableClock}, a trust-any TLS client context {@link dev.tern.testbase.TrustAll}, the
 * purity scan of the protocol engines, {@link dev.tern.testbase.RequiredTool}, a SCRAM-SHA-256 client
 * {@link dev.tern.testbase.ScramClient}). Depends on the JDK alone, so {@code tern-mail}, {@code tern-auth}
 * or {@code tern-server} can use it; {@code tern-testkit} (real servers, transcripts) depends on
 * {@code tern-app} and hence on every module, so a low module's test depending on it would be a Maven cycle.
 * Nothing here may depend on another Tern module.
 */
package dev.tern.testbase;
