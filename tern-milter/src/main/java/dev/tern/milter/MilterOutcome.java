package dev.tern.milter;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The end-of-message answer: {@code Accept}, {@code Reject}, {@code Tempfail} or {@code Discard} (never
 * {@code Continue}: a filter's continue at end of message accepts), and, only when accepted, the header changes
 * in the order the filter made them and the quarantine reason if it asked for one.
 *
 * @param quarantineReason empty when the filter did not quarantine
 */
public record MilterOutcome(Verdict verdict, List<HeaderChange> headerChanges, String quarantineReason) {
    public MilterOutcome {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(quarantineReason, "quarantineReason");
        if (verdict instanceof Verdict.Continue) throw new IllegalArgumentException("an end-of-message outcome is final");
        headerChanges = List.copyOf(headerChanges);
        if (!(verdict instanceof Verdict.Accept) && (!headerChanges.isEmpty() || !quarantineReason.isEmpty())) {
            throw new IllegalArgumentException("changes apply only to an accepted message");
        }
    }

    /** An outcome without changes. */
    public static MilterOutcome of(Verdict verdict) {
        return new MilterOutcome(verdict instanceof Verdict.Continue ? Verdict.ACCEPT : verdict, List.of(), "");
    }

    /** The reply to send when the verdict refuses the message. */
    public Optional<SmtpReply> reply() {
        return switch (verdict) {
            case Verdict.Reject r -> Optional.of(r.reply());
            case Verdict.Tempfail t -> Optional.of(t.reply());
            case Verdict.Continue c -> Optional.empty();
            case Verdict.Accept a -> Optional.empty();
            case Verdict.Discard d -> Optional.empty();
        };
    }

    public Optional<String> quarantine() {
        return quarantineReason.isEmpty() ? Optional.empty() : Optional.of(quarantineReason);
    }
}
