/**
 * Where local mail ends up: the {@link dev.tern.store.MailStore} SPI and its default implementation,
 * {@link dev.tern.store.MaildirStore} (https://cr.yp.to/proto/maildir.html). Delivery and, later, the
 * readers (POP3, IMAP, web) use the same SPI; a PostgreSQL store will sit behind it too.
 *
 * <p>Depends on {@code tern-mail} only. The on-disk layout is versioned and documented in
 * {@code docs/maildir.md}; {@link dev.tern.store.MaildirNames} holds its naming rules in one place so that
 * a path built from user data can never leave the store's root.
 */
package dev.tern.store;
