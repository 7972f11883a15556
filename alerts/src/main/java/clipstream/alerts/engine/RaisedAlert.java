package clipstream.alerts.engine;

import clipstream.alerts.rules.Rule;
import clipstream.schema.Alert;

/** An alert together with the rule that raised it (the rule says where the alert goes). */
public record RaisedAlert(Rule rule, Alert alert) {
}
