# The govinspect image: Airflow 3.3 with our package, DAGs, plugin and the free CJK fonts the notice
# embeds. Built by docker-compose.yml; the Airflow version must match requirements/constraints.txt.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei poppler-utils \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
USER airflow

COPY --chown=airflow:root pyproject.toml README.md /opt/govinspect/
COPY --chown=airflow:root requirements /opt/govinspect/requirements
COPY --chown=airflow:root include /opt/govinspect/include
# The constraints pin the same apache-airflow as the base image, so pip leaves Airflow as it is.
RUN pip install --no-cache-dir -c /opt/govinspect/requirements/constraints.txt /opt/govinspect
COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root plugins /opt/airflow/plugins
ENV GOVINSPECT_DAGS_FOLDER=/opt/airflow/dags
