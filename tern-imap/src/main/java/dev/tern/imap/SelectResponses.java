package dev.tern.imap;

import dev.tern.store.Folder;
import dev.tern.store.MessageMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The untagged responses of SELECT and EXAMINE (RFC 9051 §6.3.2; RFC 3501 §6.3.1 RECENT for rev1 clients;
 * RFC 7162 §3.1.2.1 HIGHESTMODSEQ and §3.2.5 QRESYNC's VANISHED (EARLIER) and FETCH of what changed).
 */
final class SelectResponses {
    private SelectResponses() {}

    static List<Response> of(ImapSession session, Command.Select c, Folder folder, MailboxView view, MailboxKeywords keywords)
            throws IOException {
        List<Response> out = new ArrayList<>();
        out.add(keywords.flags());
        out.add(Response.data(Value.number(view.size()), Value.atom("EXISTS")));
        if (!session.rev2()) out.add(Response.data(Value.number(0), Value.atom("RECENT")));
        out.add(ok(ResponseCode.uidValidity(view.uidValidity()), "UIDs valid"));
        out.add(ok(ResponseCode.uidNext(view.uidNext()), "Predicted next UID"));
        out.add(keywords.permanentFlags());
        out.add(ok(ResponseCode.highestModSeq(view.highestModSeq()), "Highest"));
        if (session.rev2()) {
            // RFC 9051 §6.3.2: a LIST response with the mailbox name (and its canonical form).
            out.add(Response.data(Value.atom("LIST"), Value.list(), new Value.Text(ListResponder.SEPARATOR), new Value.Mailbox(c.mailbox())));
        }
        if (c.qresync().isPresent() && c.qresync().get().uidValidity() == view.uidValidity()) out.addAll(qresync(c.qresync().get(), folder, view, session.format()));
        return out;
    }

    /**
     * RFC 7162 §3.2.5.2 / §3.2.6: {@code * VANISHED (EARLIER) uids} for what was expunged after {@code modSeq},
     * within {@code within}. When the store no longer remembers expunges that old ({@code modSeq} below its
     * horizon), every UID below UIDNEXT that is not live is reported, so a client never keeps an expunged message
     * (found by review).
     */
    static Optional<Response> vanishedEarlier(Folder folder, MailboxView view, long modSeq, Optional<SequenceSet> within)
            throws IOException {
        long largest = view.largestUid();
        String uids;
        if (modSeq >= folder.expungeHorizon()) {
            List<Long> vanished = folder.expungedSince(modSeq).stream()
                    .filter(u -> within.map(k -> k.contains(u, Math.max(largest, u))).orElse(true)).toList();
            if (vanished.isEmpty()) return Optional.empty();
            uids = Sets.compress(vanished);
        } else {
            // The gaps between live UIDs, below UIDNEXT, as ranges (never one number at a time: they may be billions).
            List<String> ranges = new ArrayList<>();
            long next = 1;
            List<long[]> gaps = new ArrayList<>();
            for (MessageMeta m : view.messages()) {
                if (m.uid() > next) gaps.add(new long[] {next, m.uid() - 1});
                next = m.uid() + 1;
            }
            if (view.uidNext() > next) gaps.add(new long[] {next, view.uidNext() - 1});
            for (long[] gap : gaps) {
                if (within.isEmpty()) {
                    ranges.add(gap[0] == gap[1] ? Long.toString(gap[0]) : gap[0] + ":" + gap[1]);
                    continue;
                }
                for (SequenceSet.Range r : within.get().ranges()) {
                    long a = r.first() == SequenceSet.STAR ? largest : r.first();
                    long b = r.last() == SequenceSet.STAR ? largest : r.last();
                    long lo = Math.max(Math.min(a, b), gap[0]);
                    long hi = Math.min(Math.max(a, b), gap[1]);
                    if (lo <= hi) ranges.add(lo == hi ? Long.toString(lo) : lo + ":" + hi);
                }
            }
            if (ranges.isEmpty()) return Optional.empty();
            uids = String.join(",", ranges);
        }
        return Optional.of(Response.data(Value.atom("VANISHED"), Value.list(Value.atom("EARLIER")), Value.atom(uids)));
    }

    private static List<Response> qresync(Command.Qresync q, Folder folder, MailboxView view, MailboxView.Format format) throws IOException {
        List<Response> out = new ArrayList<>();
        long largest = view.largestUid();
        Optional<SequenceSet> known = q.knownUids();
        vanishedEarlier(folder, view, q.modSeq(), known).ifPresent(out::add);
        MailboxView.Format withModSeq = new MailboxView.Format(true, format.vanished());
        for (int seq = 1; seq <= view.size(); seq++) {
            MessageMeta m = view.at(seq);
            if (m.modSeq() <= q.modSeq()) continue;
            if (known.isPresent() && !known.get().contains(m.uid(), largest)) continue;
            out.add(MailboxView.fetchFlags(seq, m, withModSeq));
        }
        return out;
    }

    private static Response ok(ResponseCode code, String text) {
        return new Response.Condition(Response.Status.OK, Optional.of(code), text);
    }
}
