package dev.tern.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A message's header section as a list of fields, and the pure application of a filter's {@link HeaderChange}s
 * to it, with libmilter's index rules (see {@link HeaderChange}). The integrator maps its own header type to
 * {@link Field} and back.
 */
public record HeaderSection(List<Field> fields) {
    /**
     * One header field.
     *
     * @param name the field name
     * @param raw the whole field as on the wire: name, colon, body, folding, and the final CRLF
     */
    public record Field(String name, String raw) {
        public Field {
            if (!HeaderChange.validName(name)) throw new IllegalArgumentException("not a header field name: " + name);
            Objects.requireNonNull(raw, "raw");
        }

        /** The field a filter's change produces: CRLF line ends, one space after the colon unless the value has its own. */
        public static Field of(String name, String value) {
            String body = value.replace("\r\n", "\n").replace("\n", "\r\n");
            boolean ownSpace = body.startsWith(" ") || body.startsWith("\t");
            return new Field(name, name + ":" + (ownSpace ? "" : " ") + body + "\r\n");
        }

        boolean named(String other) {
            return name.toLowerCase(Locale.ROOT).equals(other.toLowerCase(Locale.ROOT));
        }
    }

    public HeaderSection {
        fields = List.copyOf(fields);
    }

    /** The section after the changes, applied one after another in order. */
    public HeaderSection apply(List<HeaderChange> changes) {
        List<Field> out = new ArrayList<>(fields);
        for (HeaderChange change : changes) {
            switch (change) {
                case HeaderChange.Add a -> out.add(Field.of(a.name(), a.value()));
                case HeaderChange.Insert i -> out.add(Math.min(i.index(), out.size()), Field.of(i.name(), i.value()));
                case HeaderChange.Change c -> change(out, c);
            }
        }
        return new HeaderSection(out);
    }

    private static void change(List<Field> out, HeaderChange.Change c) {
        int wanted = Math.max(c.index(), 1);
        int seen = 0;
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).named(c.name()) || ++seen < wanted) continue;
            if (c.deletes()) out.remove(i);
            else out.set(i, Field.of(c.name(), c.value()));
            return;
        }
        // Sendmail and Postfix: changing a field that is not there adds it; deleting it does nothing.
        if (!c.deletes()) out.add(Field.of(c.name(), c.value()));
    }
}
