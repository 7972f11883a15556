/** How pixels travel: RGB24 as is, or JPEG through javax.imageio. */
package clipstream.ingest.encode;
