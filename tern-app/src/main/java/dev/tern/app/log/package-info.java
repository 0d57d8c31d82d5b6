/**
 * The recent log: the last records the server logged, kept in memory for the console ({@code GET /api/v1/log}).
 * {@link dev.tern.app.log.RecentLogProvider} is an SLF4J provider that hands each logger call to slf4j-simple
 * (which still writes every line to standard error, unchanged) and copies it into the bounded
 * {@link dev.tern.app.log.RecentLog}. Depends on the SLF4J API and slf4j-simple only.
 */
package dev.tern.app.log;
