/**
 * The Public Suffix List (https://publicsuffix.org/list/): which domains are public suffixes ({@code com},
 * {@code co.uk}, {@code github.io}), and from that the Organizational Domain of RFC 7489 §3.2 that DMARC aligns on.
 *
 * <p>Depends on nothing but the JDK. The list is a file an operator can update ({@link
 * dev.tern.mailauth.psl.PublicSuffixList#load}); a copy ships as a resource ({@link
 * dev.tern.mailauth.psl.PublicSuffixList#bundled}, MPL-2.0, its header kept).
 */
package dev.tern.mailauth.psl;
