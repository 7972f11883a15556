/** HTTP: the page (plain HTML/JS/CSS from resources), its JSON snapshot, thumbnails and the server-sent update stream. */
package clipstream.dashboard.server;
