package dev.tern.imap;

import dev.tern.store.Folders;
import java.io.IOException;

/** The folder tree of an authenticated user (the user name as SASL proved it). An IOException is temporary. */
@FunctionalInterface
public interface FolderAccess {
    Folders folders(String username) throws IOException;
}
