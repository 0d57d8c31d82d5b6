package dev.tern.milter;

import static dev.tern.milter.MilterProtocol.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the answer to SMFIC_BODYEOB: any number of modification packets (bounded), SMFIR_PROGRESS packets that
 * restart the content timeout, then one final verdict. A modification the negotiation did not allow is a fault.
 */
final class EndOfMessage {
    record Result(MilterOutcome outcome, boolean shutdown) {}

    private final MilterSettings settings;
    private final int actions;

    EndOfMessage(MilterSettings settings, int actions) {
        this.settings = settings;
        this.actions = actions;
    }

    Result collect(MilterConnection connection) throws IOException, MilterConnection.Fault {
        List<HeaderChange> changes = new ArrayList<>();
        String quarantine = "";
        int progress = 0;
        for (int i = 0; i <= MAX_MODIFICATIONS + MAX_PROGRESS; i++) {
            // Each receive restarts the content timeout: after a modification, after a progress packet.
            FilterResponse response = FilterResponse.decode(connection.receive(settings.contentTimeout(), MAX_REPLY_LENGTH));
            switch (response) {
                case FilterResponse.Modification m -> {
                    require(m.change() instanceof HeaderChange.Change ? F_CHGHDRS : F_ADDHDRS, "header change");
                    if (changes.size() >= MAX_MODIFICATIONS) throw new MilterConnection.Fault("too many header changes");
                    changes.add(m.change());
                }
                case FilterResponse.Quarantine q -> {
                    require(F_QUARANTINE, "quarantine");
                    quarantine = q.reason().isBlank() ? "quarantined by milter " + settings.name() : q.reason();
                }
                case FilterResponse.Progress p -> {
                    if (++progress > MAX_PROGRESS) throw new MilterConnection.Fault("too many progress replies");
                }
                case FilterResponse.Continue c -> {
                    return accepted(changes, quarantine);
                }
                case FilterResponse.Accept a -> {
                    return accepted(changes, quarantine);
                }
                case FilterResponse.Reject r -> {
                    return refused(Verdict.REJECT);
                }
                case FilterResponse.Tempfail t -> {
                    return refused(Verdict.TEMPFAIL);
                }
                case FilterResponse.Discard d -> {
                    return refused(Verdict.DISCARD);
                }
                case FilterResponse.ReplyCode r -> {
                    return refused(r.reply().permanent() ? new Verdict.Reject(r.reply()) : new Verdict.Tempfail(r.reply()));
                }
                case FilterResponse.Shutdown s -> {
                    return new Result(MilterOutcome.of(Verdict.TEMPFAIL), true);
                }
                case FilterResponse.Skip s -> throw new MilterConnection.Fault("skip at end of message");
                case FilterResponse.Refused r -> throw new MilterConnection.Fault("action '" + r.command() + "' was refused in negotiation");
                case FilterResponse.Negotiate n -> throw new MilterConnection.Fault("option negotiation out of order");
                case FilterResponse.Malformed m -> throw new MilterConnection.Fault("malformed reply: " + m.reason());
            }
        }
        throw new MilterConnection.Fault("end of message without a verdict");
    }

    private void require(int action, String what) throws MilterConnection.Fault {
        if ((actions & action) == 0) throw new MilterConnection.Fault(what + " was not negotiated");
    }

    private static Result accepted(List<HeaderChange> changes, String quarantine) {
        return new Result(new MilterOutcome(Verdict.ACCEPT, changes, quarantine), false);
    }

    private static Result refused(Verdict verdict) {
        // Postfix applies no header change to a message it refuses or discards.
        return new Result(MilterOutcome.of(verdict), false);
    }
}
