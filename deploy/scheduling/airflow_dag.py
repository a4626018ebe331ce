"""Nightly retraining of a sparkprop model with Airflow's SparkSubmitOperator.

Needs apache-airflow-providers-apache-spark and a connection `spark_default` pointing at the cluster's master.
sparkprop's exit status: 0 published, 3 rejected by the gate, 2 bad input, 1 bug; Airflow marks any non-zero
status as failed. A retry of the same night is a no-op (same inputs, same run key), so retries are safe.
Adapt the paths, the registry and the schedule.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

with DAG(
    dag_id="sparkprop_retrain_digits",
    schedule="30 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
) as dag:
    SparkSubmitOperator(
        task_id="retrain",
        conn_id="spark_default",
        application="/opt/sparkprop/sparkprop-jobs.jar",
        java_class="org.sparkprop.jobs.Main",
        application_args=[
            "retrain",
            "--registry", "hdfs:///models",
            "--name", "digits",
            "--train", "hdfs:///data/digits/{{ ds }}/train",
            "--validation", "hdfs:///data/digits/{{ ds }}/validation",
            "--format", "libsvm",
            "--num-features", "784",
            "--hidden", "128",
            "--epochs", "10",
            "--gate", "accuracy >= champion - 0.002",
        ],
    )
