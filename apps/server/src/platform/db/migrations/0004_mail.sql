CREATE TABLE "mail_quota" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "mail_quota_key_window_start_pk" PRIMARY KEY("key","window_start")
);
