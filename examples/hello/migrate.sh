#!/bin/sh
# The migration the `migrate_db` service runs once per deploy.
echo "migrating the database"
