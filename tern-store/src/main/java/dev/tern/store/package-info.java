/**
 * Where local mail ends up and where readers find it: the {@link dev.tern.store.MailStore} SPI and its default
 * implementation, {@link dev.tern.store.MaildirStore} (https://cr.yp.to/proto/maildir.html). Delivery and the
 * readers (POP3, IMAP, later web) use the same SPI; a PostgreSQL store will sit behind it too.
 *
 * <p>Depends on {@code tern-mail} (and mime4j, for {@link dev.tern.store.StructureParser}) only. The on-disk
 * layout is versioned and documented in {@code docs/maildir.md} (delivery) and {@code docs/store.md} (Maildir++
 * folders and the per-folder index); {@link dev.tern.store.MaildirNames} and {@code FolderNames} hold the naming
 * rules in one place so that a path built from user data can never leave the store's root. The reader side is
 * package-private behind the SPI: {@code MaildirFolders} (a user's tree), {@code MaildirFolder} (one folder and
 * its commit lock), {@code FolderIndex} (the index in memory), {@code IndexFiles} and {@code IndexCodec} (the
 * log and snapshot on disk), {@code NewMailWatch} (the one thread the store owns).
 */
package dev.tern.store;
