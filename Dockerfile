# The govinspect image: Airflow 3.3 with our package and the free CJK fonts the notice embeds.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei poppler-utils \
 && rm -rf /var/lib/apt/lists/*
USER airflow

COPY --chown=airflow:root pyproject.toml README.md /opt/govinspect/
COPY --chown=airflow:root requirements /opt/govinspect/requirements
COPY --chown=airflow:root include /opt/govinspect/include
RUN pip install --no-cache-dir -c /opt/govinspect/requirements/constraints.txt /opt/govinspect
COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root plugins /opt/airflow/plugins
