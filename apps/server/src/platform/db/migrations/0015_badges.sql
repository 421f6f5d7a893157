CREATE TABLE "badge_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"size" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"badges" integer,
	"pdf" "bytea",
	"error" text,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "badge_jobs" ADD CONSTRAINT "badge_jobs_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "badge_jobs" ADD CONSTRAINT "badge_jobs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "badge_jobs_event_idx" ON "badge_jobs" USING btree ("event_id","created_at");