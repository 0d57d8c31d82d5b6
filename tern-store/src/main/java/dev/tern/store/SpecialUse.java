package dev.tern.store;

import java.util.List;

/** RFC 6154 special-use attributes, with the folder name a new account gets for each in {@link #CREATED}. */
public enum SpecialUse {
    ALL("\\All", "All"),
    ARCHIVE("\\Archive", "Archive"),
    DRAFTS("\\Drafts", "Drafts"),
    FLAGGED("\\Flagged", "Flagged"),
    JUNK("\\Junk", "Junk"),
    SENT("\\Sent", "Sent"),
    TRASH("\\Trash", "Trash");

    /** Made for every new account. */
    public static final List<SpecialUse> CREATED = List.of(SENT, DRAFTS, TRASH, JUNK, ARCHIVE);

    private final String attribute;
    private final String defaultName;

    SpecialUse(String attribute, String defaultName) {
        this.attribute = attribute;
        this.defaultName = defaultName;
    }

    /** The LIST attribute, e.g. {@code \Sent}. */
    public String attribute() {
        return attribute;
    }

    public String defaultName() {
        return defaultName;
    }
}
