package dev.tern.store;

/** What a change to the folder tree came to. */
public sealed interface FolderOutcome {
    record Done() implements FolderOutcome {}

    /** The folder to change does not exist. */
    record NoSuchFolder(String name) implements FolderOutcome {}

    /** The new name is taken. */
    record AlreadyExists(String name) implements FolderOutcome {}

    /** Refused for a reason the client should read (INBOX cannot be deleted, a name is not valid, ...). */
    record Refused(String why) implements FolderOutcome {}
}
