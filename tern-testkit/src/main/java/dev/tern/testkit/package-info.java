/**
 * Test support: {@link dev.tern.testkit.TestServer} runs the whole server on {@code 127.0.0.1:0} in a temporary
 * directory, and {@link dev.tern.testkit.Transcript} drives it with an {@code S:}/{@code C:} dialog over a real
 * socket. The module's own tests are the wire, third-party-client and crash tests.
 */
package dev.tern.testkit;
