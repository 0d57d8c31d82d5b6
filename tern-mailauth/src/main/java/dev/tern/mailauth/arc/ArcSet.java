package dev.tern.mailauth.arc;

import dev.tern.mailauth.HeaderField;

/**
 * One ARC Set (RFC 8617 §4.1): the three fields one handler added, sharing the instance number {@code i=}.
 *
 * @param instance {@code i=}, 1 to {@link ArcSets#MAX_INSTANCES} (§4.2.1)
 */
public record ArcSet(int instance, HeaderField authenticationResults, HeaderField messageSignature,
        HeaderField seal) {
    public ArcSet {
        if (instance < 1 || instance > ArcSets.MAX_INSTANCES) throw new IllegalArgumentException("bad instance");
        if (!authenticationResults.is(ArcSets.AAR) || !messageSignature.is(ArcSets.AMS) || !seal.is(ArcSets.AS)) {
            throw new IllegalArgumentException("an ARC Set is an ARC-Authentication-Results, an "
                    + "ARC-Message-Signature and an ARC-Seal");
        }
    }

    /**
     * The {@code authserv-id} of the {@code ARC-Authentication-Results:} (RFC 8617 §4.1.1, RFC 8601 §2.2): the
     * token after {@code i=N;}, without a version; empty if there is none.
     */
    public String authservId() {
        String v = authenticationResults.value();
        int semi = v.indexOf(';');
        if (semi < 0) return "";
        String rest = v.substring(semi + 1).strip();
        int end = 0;
        while (end < rest.length() && ";( \t\r\n".indexOf(rest.charAt(end)) < 0) end++;
        return rest.substring(0, end);
    }

    /**
     * The results this handler recorded: the ARC-Authentication-Results' value after {@code i=N;} and the
     * authserv-id (and its version, if any), unfolded, white space runs made one space; {@code "none"} or
     * empty when it recorded none.
     */
    public String results() {
        String v = authenticationResults.value();
        int semi = v.indexOf(';');
        if (semi < 0) return "";
        int next = v.indexOf(';', semi + 1);
        return next < 0 ? "" : v.substring(next + 1).strip().replaceAll("[ \t]+", " ");
    }
}
