-- How each unit travels on the roads (car, motorbike, foot) and what it carries: set when a
-- bureau registers its units; existing units take their kind's usual mode.
ALTER TABLE units ADD COLUMN travel_mode TEXT NOT NULL DEFAULT 'car';
ALTER TABLE units ADD COLUMN equipment TEXT NOT NULL DEFAULT '[]';
UPDATE units SET travel_mode = 'foot' WHERE kind = 'foot_patrol';
UPDATE units SET travel_mode = 'motorbike' WHERE kind = 'motorcycle';
