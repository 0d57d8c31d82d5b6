package dev.tern.mailauth.dmarc;

import dev.tern.mail.Domain;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;

/**
 * The RFC5322.From domain DMARC authenticates (RFC 7489 §3.1, §6.6.1), found from the raw values of the message's
 * {@code From:} fields with mime4j's RFC 5322 address parser.
 *
 * <p>Anything but exactly one {@code From:} field holding exactly one mailbox is not a {@link Found}: RFC 7489
 * §6.6.1 lets a receiver reject such a message or apply DMARC to each domain, and RFC 5322 §3.6 requires exactly one
 * From field anyway. Tern's choice, for the caller: a message with no usable From domain is not DMARC-evaluated and
 * is handled as a DMARC failure of the strictest kind the configuration applies (reject at the end of DATA with
 * {@code 550 5.7.1}, or quarantine, or record only); its {@code Authentication-Results:} says {@code dmarc=permerror}.
 */
public final class FromDomain {
    /** A From field longer than this is not parsed (RFC 5322 §2.1.1's 998-octet lines allow folding, so be generous). */
    public static final int MAX_FIELD = 16 * 1024;

    /** What the From fields yield. */
    public sealed interface Result {}

    /** Exactly one field with exactly one mailbox: its domain, lower-case ASCII with A-labels. */
    public record Found(String domain) implements Result {
        public Found {
            if (domain == null || domain.isEmpty()) throw new IllegalArgumentException("empty From domain");
        }
    }

    /** The header section has no From field. */
    public record Missing() implements Result {}

    /** More than one From field. */
    public record SeveralFields(int count) implements Result {}

    /** One field with several mailboxes (RFC 5322 §3.6.2 then needs a Sender field; DMARC cannot pick one). */
    public record SeveralMailboxes(int count) implements Result {}

    /** The field holds a group ({@code undisclosed:;}), not a mailbox. */
    public record GroupAddress() implements Result {}

    /** The field does not parse as an address list, or its domain is no domain name. */
    public record Unparsable(String reason) implements Result {}

    private FromDomain() {}

    /**
     * @param fieldValues the value of each {@code From:} field, in header order, as it appears after the colon
     *                    (folded or unfolded; MIME encoded-words in display names are fine)
     */
    /**
     * A mailbox in its plain forms: an optional display name of atoms and spaces only, then {@code <addr-spec>}, or
     * a bare addr-spec; a dot-atom local part (RFC 5322 §3.4.1) and a domain of letters, digits, hyphens and dots.
     */
    private static final Pattern PLAIN = Pattern.compile(
            "[ \t]*(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~. \t-]*<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@([A-Za-z0-9.-]+)>"
                    + "|[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@([A-Za-z0-9.-]+))[ \t]*");

    public static Result parse(List<String> fieldValues) {
        if (fieldValues.isEmpty()) return new Missing();
        if (fieldValues.size() > 1) return new SeveralFields(fieldValues.size());
        String value = fieldValues.getFirst();
        if (value.length() > MAX_FIELD) return new Unparsable("From field too long");
        // RFC 5322 §2.2.3: unfolding removes each CRLF that precedes white space.
        String unfolded = value.replaceAll("\r?\n(?=[ \t])", "");
        // The common forms (local@domain, Name <local@domain>) without quotes, comments, groups, lists or
        // encoded words need no parser; everything else goes to mime4j.
        Matcher plain = PLAIN.matcher(unfolded);
        if (plain.matches()) return found(plain.group(1) != null ? plain.group(1) : plain.group(2));
        AddressList addresses;
        try {
            addresses = DefaultAddressParser.DEFAULT.parseAddressList(unfolded);
        } catch (ParseException | RuntimeException e) { // mime4j's generated parser may throw unchecked on odd input
            return new Unparsable("From field does not parse: " + e.getClass().getSimpleName());
        }
        if (addresses.isEmpty()) return new Unparsable("From field holds no address");
        if (addresses.size() > 1) return new SeveralMailboxes(addresses.size());
        Address address = addresses.getFirst();
        if (address instanceof Group) return new GroupAddress();
        if (!(address instanceof Mailbox mailbox)) return new Unparsable("From field holds no mailbox");
        String domain = mailbox.getDomain();
        if (domain == null || domain.isEmpty()) return new Unparsable("From address has no domain");
        if (domain.startsWith("[")) return new Unparsable("From address has an address literal");
        return found(domain);
    }

    private static Result found(String domain) {
        try {
            return new Found(Domain.parse(domain).name().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new Unparsable("From domain is no domain name");
        }
    }
}
