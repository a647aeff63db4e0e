# Jenkins for jenkins/docker-compose.yml: the LTS image plus the plugins of plugins.txt.
# Configuration (users, permissions, the deploy/web job) comes from casc.yaml at start-up.
ARG JENKINS_IMAGE=jenkins/jenkins:lts-jdk17
FROM ${JENKINS_IMAGE}
COPY plugins.txt /usr/share/jenkins/ref/plugins.txt
RUN jenkins-plugin-cli --plugin-file /usr/share/jenkins/ref/plugins.txt
