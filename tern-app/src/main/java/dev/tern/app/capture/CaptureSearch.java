package dev.tern.app.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The {@code q} of the capture list, as Mailpit reads it: words separated by spaces, all of which must match
 * (case-insensitive, substrings); {@code "two words"} is one phrase (a quote not closed runs to the end);
 * {@code subject:}, {@code from:} and {@code to:} limit a word to that field (the envelope's sender and recipients, the decoded Subject:); a plain
 * word matches any of them or the message's text (its text/plain and text/html parts), which is read only when
 * the envelope and subject did not match already. A query is at most {@link #MAX_QUERY} characters: the list
 * route answers anything longer with a 400, as each word costs a pass over every message.
 *
 * @param terms the words, lower-cased, each with the field it is limited to
 */
public record CaptureSearch(List<Term> terms) {
    /** The field a word is limited to; {@code ANY} is every field and the text. */
    public enum Field { ANY, SUBJECT, FROM, TO }

    public record Term(Field field, String text) {}

    public CaptureSearch {
        terms = List.copyOf(terms);
    }

    /** The longest query taken, in characters: far more than anyone types, far less than a request line holds. */
    public static final int MAX_QUERY = 1000;

    /** @throws IllegalArgumentException when {@code q} is longer than {@link #MAX_QUERY} */
    public static CaptureSearch parse(String q) {
        if (q.length() > MAX_QUERY) {
            throw new IllegalArgumentException("q is longer than " + MAX_QUERY + " characters");
        }
        List<Term> terms = new ArrayList<>();
        String rest = q.strip();
        while (!rest.isEmpty()) {
            Field field = Field.ANY;
            for (Field f : List.of(Field.SUBJECT, Field.FROM, Field.TO)) {
                String prefix = f.name().toLowerCase(Locale.ROOT) + ":";
                if (rest.regionMatches(true, 0, prefix, 0, prefix.length())) {
                    field = f;
                    rest = rest.substring(prefix.length());
                    break;
                }
            }
            String word;
            if (rest.startsWith("\"")) {
                // A quote not closed yet (a phrase being typed in the live page) runs to the end of q.
                int close = rest.indexOf('"', 1);
                word = close < 0 ? rest.substring(1) : rest.substring(1, close);
                rest = close < 0 ? "" : rest.substring(close + 1);
            } else {
                int space = rest.indexOf(' ');
                word = space < 0 ? rest : rest.substring(0, space);
                rest = space < 0 ? "" : rest.substring(space + 1);
            }
            if (!word.isEmpty()) terms.add(new Term(field, word.toLowerCase(Locale.ROOT)));
            rest = rest.strip();
        }
        return new CaptureSearch(terms);
    }

    /** Whether {@code message} matches every word; {@code text} gives its text, read at most once. */
    public boolean matches(CaptureStore.Captured message, Supplier<String> text) {
        String body = null;
        for (Term term : terms) {
            boolean from = contains(message.from(), term.text());
            boolean to = message.to().stream().anyMatch(t -> contains(t, term.text()));
            boolean subject = contains(message.subject(), term.text());
            boolean found = switch (term.field()) {
                case FROM -> from;
                case TO -> to;
                case SUBJECT -> subject;
                case ANY -> {
                    if (from || to || subject) yield true;
                    if (body == null) body = text.get().toLowerCase(Locale.ROOT);
                    yield body.contains(term.text());
                }
            };
            if (!found) return false;
        }
        return true;
    }

    private static boolean contains(String field, String word) {
        return field.toLowerCase(Locale.ROOT).contains(word);
    }
}
