-- The govinspect results store lives beside Airflow's metadata in the compose stack.
create database govinspect owner airflow;
