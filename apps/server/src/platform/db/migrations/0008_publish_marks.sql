CREATE TABLE "publish_marks" (
	"key" text PRIMARY KEY NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
