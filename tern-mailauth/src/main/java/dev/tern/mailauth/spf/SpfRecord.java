package dev.tern.mailauth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SPF record parsed (RFC 7208 §4.6, §12 ABNF): its directives in order and its {@code redirect=} and
 * {@code exp=} modifiers. Unknown modifiers are checked for syntax and dropped (§6). Parsing does no I/O; macros
 * stay unexpanded until evaluation.
 */
record SpfRecord(List<Directive> directives, Optional<String> redirect, Optional<String> exp) {
    SpfRecord {
        directives = List.copyOf(directives);
    }

    /** §4.6.2 qualifiers, with the result each one gives on a match. */
    enum Qualifier {
        PASS('+', SpfResult.Kind.PASS), FAIL('-', SpfResult.Kind.FAIL), SOFTFAIL('~', SpfResult.Kind.SOFTFAIL),
        NEUTRAL('?', SpfResult.Kind.NEUTRAL);

        final char symbol;
        final SpfResult.Kind result;

        Qualifier(char symbol, SpfResult.Kind result) {
            this.symbol = symbol;
            this.result = result;
        }
    }

    /** §5's mechanisms; a missing domain-spec is the current domain. */
    sealed interface Mechanism {
        record All() implements Mechanism {}

        record Include(String domainSpec) implements Mechanism {}

        record A(Optional<String> domainSpec, int cidr4, int cidr6) implements Mechanism {}

        record Mx(Optional<String> domainSpec, int cidr4, int cidr6) implements Mechanism {}

        record Ptr(Optional<String> domainSpec) implements Mechanism {}

        /** {@code network} is 4 octets for ip4, 16 for ip6. */
        record Ip(byte[] network, int cidr) implements Mechanism {}

        record Exists(String domainSpec) implements Mechanism {}
    }

    /** A qualifier and a mechanism; {@code text} is the term as written, for the result's {@code mechanism}. */
    record Directive(Qualifier qualifier, Mechanism mechanism, String text) {}

    /** A record that parsed, or why it did not (a permerror, §4.6). */
    sealed interface Parsed {
        record Valid(SpfRecord record) implements Parsed {}

        record Invalid(String reason) implements Parsed {}
    }

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)", Pattern.DOTALL);
    private static final Pattern DUAL_CIDR = Pattern.compile("(.*?)(?:/(\\d{1,3}))?(?://(\\d{1,3}))?", Pattern.DOTALL);
    private static final Pattern IP4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern TOPLABEL = Pattern.compile(
            "[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");

    /** §4.5: a TXT record is an SPF record when it starts with {@code v=spf1} followed by a space or its end. */
    static boolean isSpf(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    /** Parses a record {@link #isSpf} accepted. */
    static Parsed parse(String txt) {
        if (!isSpf(txt)) return new Parsed.Invalid("not an SPF record");
        List<Directive> directives = new ArrayList<>();
        String redirect = null;
        String exp = null;
        for (String term : txt.substring(6).split(" ")) {
            if (term.isEmpty()) continue; // 1*SP between terms, *SP at the end
            Matcher modifier = MODIFIER.matcher(term);
            if (modifier.matches()) {
                String name = modifier.group(1).toLowerCase(Locale.ROOT);
                String value = modifier.group(2);
                boolean known = name.equals("redirect") || name.equals("exp");
                Optional<String> bad = known ? domainSpecError(value) : SpfMacro.syntaxError(value, false);
                if (bad.isPresent()) return new Parsed.Invalid(name + "=: " + bad.get());
                // §6: redirect and exp each at most once.
                if (name.equals("redirect")) {
                    if (redirect != null) return new Parsed.Invalid("two redirect= modifiers");
                    redirect = value;
                } else if (name.equals("exp")) {
                    if (exp != null) return new Parsed.Invalid("two exp= modifiers");
                    exp = value;
                }
                continue; // §6: unknown modifiers are ignored
            }
            Directive directive = directive(term);
            if (directive == null) return new Parsed.Invalid("bad term '" + term + "'");
            directives.add(directive);
        }
        return new Parsed.Valid(new SpfRecord(directives, Optional.ofNullable(redirect), Optional.ofNullable(exp)));
    }

    private static Directive directive(String term) {
        Qualifier qualifier = Qualifier.PASS;
        String rest = term;
        for (Qualifier q : Qualifier.values()) {
            if (term.charAt(0) == q.symbol) {
                qualifier = q;
                rest = term.substring(1);
            }
        }
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/') end++;
        String name = rest.substring(0, end).toLowerCase(Locale.ROOT);
        String arguments = rest.substring(end);
        Mechanism mechanism = switch (name) {
            case "all" -> arguments.isEmpty() ? new Mechanism.All() : null;
            case "include" -> requiredSpec(arguments).map(Mechanism.Include::new).orElse(null);
            case "exists" -> requiredSpec(arguments).map(Mechanism.Exists::new).orElse(null);
            case "ptr" -> arguments.isEmpty() ? new Mechanism.Ptr(Optional.empty())
                    : requiredSpec(arguments).map(s -> new Mechanism.Ptr(Optional.of(s))).orElse(null);
            case "a", "mx" -> hostMechanism(name, arguments);
            case "ip4" -> ip(arguments, false);
            case "ip6" -> ip(arguments, true);
            default -> null;
        };
        return mechanism == null ? null : new Directive(qualifier, mechanism, term);
    }

    private static Optional<String> requiredSpec(String arguments) {
        if (!arguments.startsWith(":") || arguments.length() < 2) return Optional.empty();
        String spec = arguments.substring(1);
        return domainSpecError(spec).isPresent() ? Optional.empty() : Optional.of(spec);
    }

    /** §5.3, §5.4: {@code a[:domain-spec][dual-cidr-length]}. */
    private static Mechanism hostMechanism(String name, String arguments) {
        Matcher m = DUAL_CIDR.matcher(arguments);
        if (!m.matches()) return null;
        String specPart = m.group(1);
        Optional<String> spec = Optional.empty();
        if (!specPart.isEmpty()) {
            spec = requiredSpec(specPart);
            if (spec.isEmpty()) return null;
        }
        int cidr4 = m.group(2) == null ? 32 : cidr(m.group(2), 32);
        int cidr6 = m.group(3) == null ? 128 : cidr(m.group(3), 128);
        if (cidr4 < 0 || cidr6 < 0) return null;
        return name.equals("a") ? new Mechanism.A(spec, cidr4, cidr6) : new Mechanism.Mx(spec, cidr4, cidr6);
    }

    /** §5.6: {@code ip4:192.0.2.0/24}, {@code ip6:2001:db8::/32}. */
    private static Mechanism ip(String arguments, boolean six) {
        if (!arguments.startsWith(":")) return null;
        String network = arguments.substring(1);
        int max = six ? 128 : 32;
        int cidr = max;
        int slash = network.indexOf('/');
        if (slash >= 0) {
            cidr = cidr(network.substring(slash + 1), max);
            network = network.substring(0, slash);
            if (cidr < 0) return null;
        }
        if (!six) return IP4.matcher(network).matches() ? new Mechanism.Ip(InetAddress.ofLiteral(network).getAddress(), cidr) : null;
        if (network.indexOf(':') < 0 || network.indexOf('%') >= 0) return null;
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(network);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new Mechanism.Ip(sixteen(address), cidr);
    }

    /** The 16 octets of an IPv6 address; the JDK parses {@code ::ffff:a.b.c.d} as IPv4, so map it back. */
    static byte[] sixteen(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) return b;
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }

    /** §5.6 ip4-cidr-length / ip6-cidr-length: no leading zeros, at most {@code max}; -1 when invalid. */
    private static int cidr(String digits, int max) {
        if (digits.isEmpty() || digits.length() > 3 || (digits.length() > 1 && digits.charAt(0) == '0')) return -1;
        for (int i = 0; i < digits.length(); i++) if (!Character.isDigit(digits.charAt(i))) return -1;
        int value = Integer.parseInt(digits);
        return value <= max ? value : -1;
    }

    /** §7.1: domain-spec = macro-string domain-end; domain-end = ("." toplabel ["."]) / macro-expand. */
    static Optional<String> domainSpecError(String spec) {
        if (spec.isEmpty()) return Optional.of("empty domain-spec");
        Optional<String> macro = SpfMacro.syntaxError(spec, false);
        if (macro.isPresent()) return macro;
        if (spec.endsWith("}")) return Optional.empty();
        String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        int dot = s.lastIndexOf('.');
        if (dot < 0) return Optional.of("domain-spec without a top label");
        return TOPLABEL.matcher(s.substring(dot + 1)).matches() ? Optional.empty() : Optional.of("bad top label");
    }

    static boolean isIpv4(InetAddress address) {
        return address instanceof Inet4Address;
    }
}
