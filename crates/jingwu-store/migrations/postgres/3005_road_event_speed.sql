-- How much slower a road event that does not close its road (an accident, road works) makes
-- it: travel time multiplied by this factor; NULL for the kind's default. The road engine
-- follows the events in force (jingwu-app command/road_events.rs).
ALTER TABLE traffic_road_events ADD COLUMN speed_factor DOUBLE PRECISION;
