/**
 * What the page shows, held in bounded memory: each camera's latest thumbnail, label, people and health
 * ({@link clipstream.dashboard.board.CameraBoard}), the alert history, the served models and dead letters by reason,
 * and the views the browser receives.
 */
package clipstream.dashboard.board;
