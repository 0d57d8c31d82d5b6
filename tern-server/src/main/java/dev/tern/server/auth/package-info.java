/**
 * The content checks between the SMTP session and the spool (issue 9): SPF, DKIM, DMARC and ARC verification
 * recorded in one {@code Authentication-Results:} field, DMARC policy applied, DKIM signing of submitted mail, and
 * the mail filters (milters). {@link dev.tern.server.auth.AuthInspector} is the
 * {@link dev.tern.server.MessageInspector} that does it all.
 */
package dev.tern.server.auth;
