package dev.tern.imap;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The day a Date field names (RFC 5322 §3.3, and §4.3's obsolete forms), read leniently: comments, a missing
 * day of the week, seconds or zone, and two- or three-digit years are fine. Only the day matters to SENT*
 * searches (RFC 9051 §6.4.4 disregards time and zone).
 */
final class SentDate {
    private static final Pattern DAY = Pattern.compile("(\\d{1,2})[\\s-]+([A-Za-z]{3})[A-Za-z]*\\.?[\\s-]+(\\d{2,4})\\b");
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    private SentDate() {}

    static Optional<LocalDate> parse(String field) {
        if (field == null) return Optional.empty();
        Matcher m = DAY.matcher(field.replaceAll("\\([^)]*\\)", " "));
        if (!m.find()) return Optional.empty();
        int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        if (month == 0) return Optional.empty();
        int year = Integer.parseInt(m.group(3));
        // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three-digit years add 1900.
        if (m.group(3).length() == 2) year += year < 50 ? 2000 : 1900;
        else if (m.group(3).length() == 3) year += 1900;
        try {
            return Optional.of(LocalDate.of(year, month, Integer.parseInt(m.group(1))));
        } catch (DateTimeException e) {
            return Optional.empty(); // 31 Feb and the like: no day, so no SENT* match
        }
    }
}
