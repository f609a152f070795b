-- Keep a per-user post count up to date; the trigger bodies contain `;` of their own.
ALTER TABLE users ADD COLUMN post_count INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER posts_count_insert AFTER INSERT ON posts
BEGIN
    UPDATE users SET post_count = post_count + 1 WHERE id = NEW.author_id;
END;

CREATE TRIGGER posts_count_delete AFTER DELETE ON posts
BEGIN
    UPDATE users SET post_count = post_count - 1 WHERE id = OLD.author_id;
END;
