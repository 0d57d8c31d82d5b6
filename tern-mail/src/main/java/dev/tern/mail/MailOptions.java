package dev.tern.mail;

/**
 * The parameters of MAIL FROM that travel with the envelope.
 *
 * @param declaredSize the SIZE= value (RFC 1870), or 0 when not given
 * @param body         the BODY= value (RFC 6152); {@link Body#UNSPECIFIED} when not given
 * @param smtpUtf8     SMTPUTF8 was given (RFC 6531)
 * @param ret          the DSN RET= value (RFC 3461 §4.3)
 * @param envId        the DSN ENVID= value, xtext-decoded (RFC 3461 §4.4), or empty when absent
 * @param requireTls   REQUIRETLS was given (RFC 8689 §4): the message travels only over verified TLS
 */
public record MailOptions(long declaredSize, Body body, boolean smtpUtf8, Ret ret, String envId, boolean requireTls) {
    public static final MailOptions NONE = new MailOptions(0, Body.UNSPECIFIED, false, Ret.UNSPECIFIED, "");

    public MailOptions {
        if (declaredSize < 0) throw new IllegalArgumentException("negative size");
        if (body == null || ret == null || envId == null) throw new IllegalArgumentException("null option");
    }

    /** Options without REQUIRETLS. */
    public MailOptions(long declaredSize, Body body, boolean smtpUtf8, Ret ret, String envId) {
        this(declaredSize, body, smtpUtf8, ret, envId, false);
    }

    /** These options with REQUIRETLS set or cleared. */
    public MailOptions withRequireTls(boolean required) {
        return new MailOptions(declaredSize, body, smtpUtf8, ret, envId, required);
    }

    public enum Body { UNSPECIFIED, SEVEN_BIT, EIGHT_BIT_MIME }

    public enum Ret { UNSPECIFIED, FULL, HDRS }
}
