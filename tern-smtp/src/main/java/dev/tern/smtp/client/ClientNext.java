package dev.tern.smtp.client;

/** What the connection loop does after writing a {@link ClientStep}'s lines. */
public sealed interface ClientNext {
    /**
     * Read one reply (a {@link ReplyParser}) and pass it to {@link SmtpClientSession#reply}. {@code stage} is
     * what it answers, for the timeout; {@code outstanding} how many replies the session awaits in all,
     * this one included (more than one after a pipelined batch, RFC 2920 §3.1).
     */
    record ReadReply(Stage stage, int outstanding) implements ClientNext {
        public ReadReply {
            if (stage == null || outstanding < 1) throw new IllegalArgumentException("bad read");
        }
    }

    /** Make the TLS handshake (RFC 3207 §4), then call {@link SmtpClientSession#tlsStarted()} or {@code tlsFailed()}. */
    record StartTls() implements ClientNext {}

    /**
     * Stream the message through {@link DotEncoder#forData} (dot-stuffed, ending {@code CRLF.CRLF}), then call
     * {@link SmtpClientSession#bodySent()}; should the encoder fail, {@code bodyFailed} instead.
     */
    record SendData() implements ClientNext {}

    /**
     * After the {@code BDAT n LAST} line, stream exactly {@code octets} octets from {@link DotEncoder#forBdat}
     * (RFC 3030 §2), then call {@link SmtpClientSession#bodySent()}; if the encoder fails or the count differs,
     * {@code bodyFailed}.
     */
    record SendChunk(long octets) implements ClientNext {
        public SendChunk {
            if (octets < 0) throw new IllegalArgumentException("negative chunk");
        }
    }

    /** The session is set up and idle: {@link SmtpClientSession#send} a message or {@link SmtpClientSession#quit()}. */
    record Ready() implements ClientNext {}

    /** A transaction ended with this outcome; the session is idle again, as after {@link Ready}. */
    record Done(TransactionOutcome outcome) implements ClientNext {
        public Done {
            if (outcome == null) throw new IllegalArgumentException("no outcome");
        }
    }

    /**
     * Close the connection. {@code transaction} says what became of an open transaction (every recipient not
     * yet decided is deferred with the ending's reply), {@link TransactionOutcome#NONE} when none was open.
     */
    record Close(Ending ending, TransactionOutcome transaction) implements ClientNext {
        public Close {
            if (ending == null || transaction == null) throw new IllegalArgumentException("null close part");
        }
    }
}
