package dev.tern.imap;

import dev.tern.sasl.ChannelBinding;

/**
 * What the connection under a session offers: whether it is TLS, whether a password may be sent without it
 * (a loopback client, by the same option as SMTP's), whether STARTTLS can be offered, and the channel binding
 * for SCRAM-SHA-256-PLUS (RFC 9266).
 */
public record ImapSecurity(boolean tls, boolean plaintextAllowed, boolean startTlsOffered, ChannelBinding binding) {
    public ImapSecurity {
        if (binding == null) throw new IllegalArgumentException("null channel binding; use ChannelBinding.NONE");
    }

    public static ImapSecurity plaintext(boolean plaintextAllowed, boolean startTlsOffered) {
        return new ImapSecurity(false, plaintextAllowed, startTlsOffered, ChannelBinding.NONE);
    }

    public static ImapSecurity implicitTls(ChannelBinding binding) {
        return new ImapSecurity(true, true, false, binding);
    }

    /** RFC 9051 §6.2.3, §11: LOGIN and PLAIN only over TLS, unless this connection may do without. */
    public boolean loginAllowed() {
        return tls || plaintextAllowed;
    }

    ImapSecurity afterStartTls(ChannelBinding binding) {
        return new ImapSecurity(true, plaintextAllowed, false, binding);
    }
}
