DROP TRIGGER posts_count_delete;
DROP TRIGGER posts_count_insert;
ALTER TABLE users DROP COLUMN post_count;
